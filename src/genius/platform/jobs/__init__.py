"""Jobs: slow work started by the API (202 + job id), done by workers, followed by the browser."""
