"""Working out when an undated article appeared, from what it says and what the archive knows.

`evidence` reads date references out of a text (German and English); `propose`
combines them with the archive's dated events and a source's publication period
into a range that the publication date lies in, or into nothing when the evidence
is too thin to be trusted. Both are pure: the database side is in `service`.
See docs/dating.md.
"""
