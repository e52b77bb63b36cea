"""Staff review workspace: pure building blocks (survey results, CSV export, adoption reports)."""
