/*
 * broker.h — `tide broker`: librdkafka's mock cluster as a demo broker.
 */
#ifndef TIDE_BROKER_H
#define TIDE_BROKER_H

extern const char tide_broker_usage[];

/* argv holds the arguments after "broker". Returns the exit status. */
int tide_broker_main(int argc, char **argv);

#endif
