"""What a page says and shows, made from the figures register only: messages in plain English, sections,
tables, charts and HTML pieces for each report kind. Nothing here reads a raw table or a figure family."""
