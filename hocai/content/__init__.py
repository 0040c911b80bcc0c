"""The kit's content data: one glossary and one list of cited documents, shared by lessons, exercises and app."""
