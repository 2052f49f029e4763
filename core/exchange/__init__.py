"""Data exchange: case ledgers imported from Excel and CSV, exports, backups and restores."""
