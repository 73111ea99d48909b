/**
 * Why a top-up failed, as the screen and the PPMID's `state` say it (docs/decisions.md "Top-up
 * lifecycle"); the meter's own refusals are ppmid-logic.ts `refusalText` ("Code already used" …).
 */
/** The GPF never acknowledged the ConsumerTopUp (the PPMID–GPF link down, the hub off). */
export const TOP_UP_NO_ANSWER = 'no answer from the hub';
/** The GPF answered the ConsumerTopUp with a failure (queue full, not authorised). */
export const TOP_UP_HUB_REFUSED = 'refused by the hub';
/** The GPF no longer lists it, no answer from the meter came back, and the balance does not show it. */
export const TOP_UP_GONE = 'no longer held by the hub, no answer from the meter';
/** A GPF that cannot say what it holds, and no answer or effect by pendingTimeout. */
export const TOP_UP_UNCONFIRMED = 'not confirmed by the meter';
