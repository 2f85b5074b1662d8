"""The public student-number query (学籍号查询): a family finds a child's 学籍号, school, grade and status."""
