"""Survey downloads: raw answers (anonymous ones without identity) and scores as CSV and XLSX."""
