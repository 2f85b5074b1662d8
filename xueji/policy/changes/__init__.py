"""Status changes (学籍异动) of chapters 4–7 and 第四十一条 as pure functions.

One module per change: transfer, suspension (with extension and resumption), visiting (借读),
withdrawal (with truancy and automatic withdrawal), death, dropout, missing. ``reasons`` holds the allowed
reasons and the proof each needs; ``transitions`` the status table the application engine applies;
``common`` the plain facts (SchoolFacts, StudentFacts) every check takes. Each check returns a list of Violations: errors refuse the
application, warnings are flags the registrar and the authority should see. Each module's ``RULES`` maps every
violation code it can return to its article.
"""
