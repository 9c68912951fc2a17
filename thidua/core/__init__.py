"""Cross-cutting pieces every domain app uses: errors, Vietnamese text folding, base templates."""
