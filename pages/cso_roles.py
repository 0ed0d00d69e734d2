"""CSO roles (/cso_roles): strengths and weaknesses of each role, and who plays it."""

import streamlit as st

from components.charts import role_balance_figure, role_texts
from components.filters import filter_panel
from components.layout import page_setup
from mc2cm.filters import select_assessments, select_initiatives

ui = page_setup("cso_roles")
sel = filter_panel(ui)
assessments = select_assessments(ui.data, sel)
initiatives = select_initiatives(ui.data, sel.with_(role=()))
st.title(ui.t("page.cso_roles"))
st.subheader(ui.t("roles.chart"))
role_balance_figure(assessments, ui)
role_texts(assessments, initiatives, ui, sel)
