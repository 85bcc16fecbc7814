-- q22 for DuckDB: string_split(url, '/')[N + 1] (1-based) for split_index(url, '/', N) (0-based)
SELECT auction, bidder, price, channel, string_split(url, '/')[4] AS dir1,
       string_split(url, '/')[5] AS dir2, string_split(url, '/')[6] AS dir3
FROM bid
