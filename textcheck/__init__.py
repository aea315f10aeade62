"""textcheck: 政府信息公开工作年度报告检查工具."""

__version__ = "0.1.0"
