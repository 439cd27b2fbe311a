package dev.wagateway.store;

/** The database could not take the event: the sender is told 503 and should retry. */
public class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
