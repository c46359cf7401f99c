/** Time is a parameter: the pass and the planners take a clock so the sandbox can move it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
