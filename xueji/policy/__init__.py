"""The regulation as pure Python: codes, field table, validators and province numbers.

No Django here: services call these functions and turn the returned Violations into
responses. Import the submodules directly (``from xueji.policy.idcard import ...``).
"""
