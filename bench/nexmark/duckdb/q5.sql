-- q5 for DuckDB: HOP by epoch arithmetic (as q5_inner), joined with each window's largest count
WITH ab AS (
    SELECT auction, count(*) AS num, ws
    FROM (SELECT auction, (epoch_ms("dateTime") // 2000) * 2000 - k * 2000 AS ws
          FROM bid, range(0, 5) AS r(k))
    GROUP BY auction, ws)
SELECT ab.auction, ab.num, make_timestamp(ab.ws * 1000) AS starttime,
       make_timestamp((ab.ws + 10000) * 1000) AS endtime
FROM ab JOIN (SELECT ws, max(num) AS maxn FROM ab GROUP BY ws) m ON ab.ws = m.ws
WHERE ab.num >= m.maxn
