// Public library entry: the model and engine, for scripts that embed hvnet.
export const HVNET_SCHEMA_VERSION = 1
