"""Code the providers share: the prompts and schemas language and image models are
asked with, the JSON protocol that reads their answers, timing a story to the brief,
reading sound feedback, and the care a model's picture needs before it is kept.

The rule that keeps providers apart: a provider imports from here and from the
layers below (``base``, ``gateway``, ``media``, ``models``), never from another provider.
"""
