"""The site package has no tables (the app imports each package's models module)."""
