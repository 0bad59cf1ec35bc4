"""Import of legacy catalogues (历史提案目录) from .xlsx or CSV: the parser, the staff page and the
``import_catalogue`` command.
"""
