"""The API's wire models: request and response bodies, one module per resource.

Response models are defined here field by field and filled by explicit conversion functions
(``task_out(view)``, ``cycle_live(view)``, ...) from the workflows' views and the read
models; none subclasses an internal state or workflow model, so a field added inside the
system reaches the API only when it is added here on purpose. Request bodies are strict
(unknown fields are refused with a 422 naming them).

- :mod:`.common`: the strict request base, examples, shared literals
- :mod:`.cycles`: cycles and their stages
- :mod:`.recommendations`: the import and the recommendation list
- :mod:`.tasks`: the task inbox and task commands
- :mod:`.participation`: comments, submissions, progress reports, assessments
- :mod:`.audit`: ledger pages, verification, time travel
- :mod:`.public`: the published data (no token)
- :mod:`.triage`: the triage queue
"""
