"""Pure building blocks of what staff take away: CSV files, survey results and their charts, the
adoption report. No Store, no HTTP: services feed them, routes send what they make."""
