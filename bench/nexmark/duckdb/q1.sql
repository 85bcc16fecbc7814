-- q1 for DuckDB: the same as ../q1.sql
SELECT auction, bidder, 0.908 * price AS price, "dateTime", extra FROM bid
