"""Use cases of the citizens' web app; the domain's own rules stay in issues.services."""
