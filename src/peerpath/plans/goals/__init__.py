"""Vision, goals, objectives, action steps, decision worksheets, and answering proposals."""
