"""Reading recovered media: metadata, telemetry, frames and scenes. Only this package talks to
OpenCV, exifread, PyAV and MediaInfo."""
