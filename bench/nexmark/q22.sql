-- Nexmark q22: get URL directories. Each bid with the first three directories of its URL
-- (split_index is 0-based: 0 is "https:", 1 the empty string, 2 the host).
SELECT auction, bidder, price, channel,
       split_index(url, '/', 3) AS dir1,
       split_index(url, '/', 4) AS dir2,
       split_index(url, '/', 5) AS dir3
FROM bid
