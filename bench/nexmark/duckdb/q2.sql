-- q2 for DuckDB: auction % 123 for MOD(auction, 123)
SELECT auction, price FROM bid WHERE auction % 123 = 0
