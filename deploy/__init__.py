"""Deployment: the shipped nginx configuration and the script that runs the production topology."""
