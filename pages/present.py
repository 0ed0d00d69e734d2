"""Present (/present): the Sfax story scene by scene on a projector; the room answers by QR code."""

from components.layout import page_setup
from components.present import presentation, projector_style

ui = page_setup("present", keep=("scene",))
projector_style()
presentation(ui)
