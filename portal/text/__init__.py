"""Text analysis for comments in English and Spanish, with no database: folding, stemming, theme
keywords, distinctive terms and quotable excerpts. Services feed text in and store what comes out.
"""
