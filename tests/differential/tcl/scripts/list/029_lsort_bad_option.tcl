lsort -dictionary {a10 a9}
