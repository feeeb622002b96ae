"""Incidents side by side: milestones per incident, medians per decade, the comparison drawing."""
