"""Present (/present): the projector shows the scene; ?view=presenter is the facilitator's own screen."""

from components.layout import page_setup
from components.present import presentation, projector_style
from components.presenter import presenter_view, wants_presenter_view

ui = page_setup("present", keep=("scene", "view"))
if wants_presenter_view(ui):
    presenter_view(ui)
else:
    projector_style()
    presentation(ui)
