-- Nexmark q2: selection. The bids of every 123rd auction, as the reference's MOD filter (the
-- original CQL's fixed list of five auction ids yields too few rows).
SELECT auction, price
FROM bid
WHERE MOD(auction, 123) = 0
