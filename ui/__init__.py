"""The Qt workbench: widgets, dialogs, item models and the job runner's Qt side."""
