"""Printed forms of the registry (附件6 学生基本信息表; later 附件7–10), rendered from the record into PDF."""
