"""Statistics of proposal work (the DOMAIN.md definitions), the dashboard, the Excel exports and the
Word documents of a case (提案表, 交办通知书, 答复函, 征询意见表) and the key-proposal catalogue.
"""
