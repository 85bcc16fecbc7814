-- Nexmark q17: auction statistics report. Per auction and day: the number of bids in all and
-- per price range, and the smallest, largest, average and total price. The reference's AVG of
-- a BIGINT is a BIGINT; here avg gives a double precision.
SELECT auction,
       date_format("dateTime", 'yyyy-MM-dd') AS day,
       count(*) AS total_bids,
       count(*) FILTER (WHERE price < 10000) AS rank1_bids,
       count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
       count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
       min(price) AS min_price,
       max(price) AS max_price,
       avg(price) AS avg_price,
       sum(price) AS sum_price
FROM bid
GROUP BY auction, date_format("dateTime", 'yyyy-MM-dd')
