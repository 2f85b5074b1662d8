"""The school's registers of 第六条: 学校基本信息表 (附件1), 校区基本信息表 (附件2), 学生增减情况登记表 (附件4) and the
新生入学名册 (第六条(九)), each as a page, an .xlsx and a PDF."""
