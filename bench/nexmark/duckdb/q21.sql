-- q21 for DuckDB: regexp_matches guards regexp_extract, which gives '' (spate's NULL) on no match
SELECT auction, bidder, price, channel,
       CASE WHEN lower(channel) = 'apple' THEN '0'
            WHEN lower(channel) = 'google' THEN '1'
            WHEN lower(channel) = 'facebook' THEN '2'
            WHEN lower(channel) = 'baidu' THEN '3'
            ELSE CASE WHEN regexp_matches(url, '(&|^)channel_id=([^&]*)')
                      THEN regexp_extract(url, '(&|^)channel_id=([^&]*)', 2) END
       END AS channel_id
FROM bid
WHERE CASE WHEN regexp_matches(url, '(&|^)channel_id=([^&]*)')
           THEN regexp_extract(url, '(&|^)channel_id=([^&]*)', 2) END IS NOT NULL
   OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')
