DATE_FORMAT = "Y-m-d"
