-- MP077's flag rule as one SQL function, so that every statement that recomputes flags (a single
-- state change, a batch, a model's mass withdrawal) applies the same rule on both databases:
-- A when an associated smart meter counts as Commissioned, I when some count and none as
-- Commissioned (all InstalledNotCommissioned), N when none does but one did, NULL when none ever did.
-- A one-expression SQL function: the planner inlines it.
CREATE FUNCTION mp077_flag(has_commissioned boolean, has_live boolean, ever_live boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN has_commissioned THEN 'A' WHEN has_live THEN 'I' WHEN ever_live THEN 'N' END
$$;
