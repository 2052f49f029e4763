"""The documents wing: .docx rendering of the standard documents and briefings (docxtpl templates)."""
