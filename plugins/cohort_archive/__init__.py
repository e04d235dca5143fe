"""Cohort Archive: a whole course cohort's group reports as one searchable MkDocs site."""
