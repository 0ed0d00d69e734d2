"""HTTP doors beside the Streamlit pages: the front door (headers, guarded endpoints)."""
