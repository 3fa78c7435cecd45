string is wordchar ab_1
