-- q11 for DuckDB: SESSION by lag, a bid 10 s or more after its bidder's previous one starts one
WITH o AS (
    SELECT bidder, epoch_ms("dateTime") AS ms,
           lag(epoch_ms("dateTime")) OVER (PARTITION BY bidder ORDER BY "dateTime") AS prev
    FROM bid),
s AS (
    SELECT bidder, ms,
           sum(CASE WHEN prev IS NULL OR ms - prev >= 10000 THEN 1 ELSE 0 END)
               OVER (PARTITION BY bidder ORDER BY ms ROWS UNBOUNDED PRECEDING) AS sid
    FROM o)
SELECT bidder, count(*) AS bid_count, make_timestamp(min(ms) * 1000) AS starttime,
       make_timestamp((max(ms) + 10000) * 1000) AS endtime
FROM s GROUP BY bidder, sid
