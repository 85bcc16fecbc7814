-- q0 for DuckDB: the same as ../q0.sql
SELECT auction, bidder, price, "dateTime", extra FROM bid
