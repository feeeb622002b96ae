"""Timelines: events and articles on one time axis, coverage, periods, drawings and exports."""
