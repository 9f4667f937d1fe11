"""The generated OCR test sets: chip markings with their makers, Chinese signs with places.

Drawn at run time (`text_images`), never downloaded: `bench/ocr.py` measures on them and the
tests read a few. Each specimen knows its truth: the text drawn, and the manufacturer (a
marking) or the gazetteer place (a sign) it must lead to. Degradations are drawn from a seeded
generator, so a set is the same on every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from app.demo.text_images import MARKING_FONTS, Degradation, chip, sign

if TYPE_CHECKING:
    from geoloc.gazetteer import OfflineGazetteer

MARKINGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("STM32F405RGT6",), "STMicroelectronics"),
    (("STM32F103C8T6",), "STMicroelectronics"),
    (("STM32H743VIT6",), "STMicroelectronics"),
    (("STM8S003F3P6",), "STMicroelectronics"),
    (("LSM6DSOX",), "STMicroelectronics"),
    (("ESP32-S3",), "Espressif Systems"),
    (("ESP8266EX",), "Espressif Systems"),
    (("U-BLOX", "NEO-M8N"), "u-blox"),
    (("ZED-F9P",), "u-blox"),
    (("GD32F303CCT6",), "GigaDevice"),
    (("AT32F435RGT7",), "Artery Technology"),
    (("AT7456E",), "Artery Technology"),
    (("ICM-42688P",), "TDK InvenSense"),
    (("MPU-6050",), "TDK InvenSense"),
    (("BMP280",), "Bosch Sensortec"),
    (("BME680",), "Bosch Sensortec"),
    (("BMI270",), "Bosch Sensortec"),
    (("BMM150",), "Bosch Sensortec"),
    (("SX1276",), "Semtech"),
    (("CC2500",), "Texas Instruments"),
    (("SI4463",), "Silicon Labs"),
    (("MAX7456",), "Analog Devices"),
    (("W25Q128JVSQ",), "Winbond Electronics"),
    (("NRF52840",), "Nordic Semiconductor"),
    (("RP2040",), "Raspberry Pi"),
    (("RTL8812AU",), "Realtek Semiconductor"),
    (("CH340G",), "WCH (Nanjing Qinheng Microelectronics)"),
    (("HI3516EV200",), "HiSilicon"),
    (("QUECTEL", "EC25-E"), "Quectel"),
    (("VIEWPRO", "A40TR"), "Viewpro"),
    (("VIEWPRO A40",), "Viewpro"),
    (("Z40K",), "Viewpro"),
    (("T-MOTOR", "MN5008 KV340"), "T-Motor"),
    (("HOBBYWING", "XROTOR"), "Hobbywing"),
    (("SIYI", "ZR10"), "SIYI Technology"),
    (("HOLYBRO", "KAKUTE H7"), "Holybro"),
    (("MOLEX", "PICOBLADE"), "Molex"),
)
"""Part numbers and brand lines of the catalogue's makers, with the maker each must give."""

DATE_CODES = ("GH22V 93", "2236", "CHN 536", "E3 2319", "TW 2247", "9XA7K", "MYS 21 44")

SIGN_ROADS = ("科技南路", "深南大道", "滨海大道", "人民路", "建设路", "解放路", "东门路")
"""Street names drawn under a place name (none of them is a place the gazetteer knows)."""


@dataclass(frozen=True)
class Marking:
    """A generated chip photo and its truth."""

    image: Image.Image
    lines: tuple[str, ...]
    maker: str
    degradation: Degradation

    @property
    def text(self) -> str:
        """The marking as drawn."""
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Sign:
    """A generated street sign and its truth."""

    image: Image.Image
    lines: tuple[str, ...]
    place_key: str
    place_name: str

    @property
    def text(self) -> str:
        """The sign as drawn."""
        return "\n".join(self.lines)


def _degradation(rng: np.random.Generator) -> Degradation:
    return Degradation(
        angle=float(rng.uniform(-5.0, 5.0)),
        blur=float(rng.choice([0.0, 0.5, 0.8, 1.2])),
        contrast=float(rng.uniform(0.4, 1.0)),
        noise=float(rng.uniform(0.0, 10.0)),
    )


def markings(count: int, seed: int = 20) -> Iterator[Marking]:
    """`count` chip photos cycling through `MARKINGS`, each with a date code line."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        lines, maker = MARKINGS[i % len(MARKINGS)]
        drawn = (*lines, DATE_CODES[int(rng.integers(0, len(DATE_CODES)))])
        deg = _degradation(rng)
        font = MARKING_FONTS[int(rng.integers(0, len(MARKING_FONTS)))]
        size = int(rng.integers(20, 34))
        image = chip(list(drawn), font_path=font, size=size, deg=deg, seed=seed * 1000 + i)
        yield Marking(image, drawn, maker, deg)


_HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def _simplified(name: str) -> bool:
    """A name of 2-4 Han characters all in GB 2312, as mainland signs write it (GeoNames'
    alternate names also hold Japanese and traditional forms: 仏山市, 長春市)."""
    if not _HAN.match(name):
        return False
    try:
        name.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def sign_places(gazetteer: OfflineGazetteer, cities: int = 30) -> list[tuple[str, str, str]]:
    """(Chinese name, place key, English name) of Shenzhen's districts and the `cities`
    most populous Chinese cities whose Chinese name ("...市") the gazetteer finds uniquely."""
    districts: list[tuple[str, str, str]] = []
    towns: list[tuple[str, str, str]] = []
    for place in sorted(gazetteer.places(), key=lambda p: -p.population):
        if place.country_code != "CN":
            continue
        suffix = "区" if place.kind == "district" else "市"
        name = next(
            (n for n in place.alternate_names if n.endswith(suffix) and _simplified(n)), None
        )
        if name is None or (suffix == "市" and len(towns) >= cities):
            continue
        found = gazetteer.search(name, limit=2)
        if len(found) != 1 or found[0].key != place.key:
            continue
        (districts if suffix == "区" else towns).append((name, place.key, place.name))
    return districts + towns


def signs(gazetteer: OfflineGazetteer, count: int, seed: int = 21) -> Iterator[Sign]:
    """`count` street signs naming places of `sign_places`, in several layouts."""
    rng = np.random.default_rng(seed)
    places = sign_places(gazetteer)
    shenzhen = "深圳市"
    for i in range(count):
        name, key, english = places[i % len(places)]
        layout = int(rng.integers(0, 3))
        if name.endswith("区") and layout == 0:
            lines: tuple[str, ...] = (shenzhen + name,)
        elif layout == 1:
            lines = (name, SIGN_ROADS[int(rng.integers(0, len(SIGN_ROADS)))])
        else:
            lines = (name,)
        deg = _degradation(rng)
        image = sign(
            list(lines),
            colour=int(rng.integers(0, 2)),
            bold=bool(rng.integers(0, 2)),
            size=int(rng.integers(28, 56)),
            deg=deg,
            seed=seed * 1000 + i,
        )
        yield Sign(image, lines, key, english)
