//! Character n-gram language model of Japanese (stub: being written).
